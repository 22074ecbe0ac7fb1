ALTER TABLE `user` ADD `username` VARCHAR(255);--> statement-breakpoint
CREATE UNIQUE INDEX `ux_user_username_ci` ON `user` (lower("username"));