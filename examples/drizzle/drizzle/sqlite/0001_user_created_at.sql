ALTER TABLE `user` ADD `created_at` TIMESTAMP;--> statement-breakpoint
CREATE INDEX `ix_user_created_at` ON `user` (`created_at`,`id`);