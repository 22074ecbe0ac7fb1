ALTER TABLE `user` ADD `created_at` TIMESTAMP;--> statement-breakpoint
ALTER TABLE `user` ADD `roles` text;--> statement-breakpoint
ALTER TABLE `user` ADD `ban` text;--> statement-breakpoint
CREATE INDEX `ix_user_created_at` ON `user` (`created_at`,`id`);