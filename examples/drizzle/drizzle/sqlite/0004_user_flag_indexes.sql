CREATE INDEX `ix_user_is_active_email` ON `user` (`is_active`,lower("email"));--> statement-breakpoint
CREATE INDEX `ix_user_is_active_created_at` ON `user` (`is_active`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `ix_user_is_verified_email` ON `user` (`is_verified`,lower("email"));--> statement-breakpoint
CREATE INDEX `ix_user_is_verified_created_at` ON `user` (`is_verified`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `ix_user_is_superuser_email` ON `user` (`is_superuser`,lower("email"));--> statement-breakpoint
CREATE INDEX `ix_user_is_superuser_created_at` ON `user` (`is_superuser`,`created_at`,`id`);