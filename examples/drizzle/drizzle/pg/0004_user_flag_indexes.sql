CREATE INDEX "ix_user_is_active_email" ON "user" USING btree ("is_active",lower("email" COLLATE "C"));--> statement-breakpoint
CREATE INDEX "ix_user_is_active_created_at" ON "user" USING btree ("is_active","created_at" NULLS FIRST,"id");--> statement-breakpoint
CREATE INDEX "ix_user_is_verified_email" ON "user" USING btree ("is_verified",lower("email" COLLATE "C"));--> statement-breakpoint
CREATE INDEX "ix_user_is_verified_created_at" ON "user" USING btree ("is_verified","created_at" NULLS FIRST,"id");--> statement-breakpoint
CREATE INDEX "ix_user_is_superuser_email" ON "user" USING btree ("is_superuser",lower("email" COLLATE "C"));--> statement-breakpoint
CREATE INDEX "ix_user_is_superuser_created_at" ON "user" USING btree ("is_superuser","created_at" NULLS FIRST,"id");