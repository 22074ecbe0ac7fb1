ALTER TABLE "user" ADD COLUMN "created_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "user" ADD COLUMN "roles" text;--> statement-breakpoint
ALTER TABLE "user" ADD COLUMN "ban" text;--> statement-breakpoint
CREATE INDEX "ix_user_created_at" ON "user" USING btree ("created_at" NULLS FIRST,"id");