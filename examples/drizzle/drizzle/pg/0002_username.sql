ALTER TABLE "user" ADD COLUMN "username" varchar(255);--> statement-breakpoint
CREATE UNIQUE INDEX "ux_user_username_ci" ON "user" USING btree (lower("username" COLLATE "C"));