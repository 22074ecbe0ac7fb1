CREATE TABLE `accesstoken` (
	`token` VARCHAR(43) PRIMARY KEY NOT NULL,
	`created_at` TIMESTAMP NOT NULL,
	`user_id` CHAR(36) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_accesstoken_created_at` ON `accesstoken` (`created_at`);--> statement-breakpoint
CREATE INDEX `ix_accesstoken_user_id` ON `accesstoken` (`user_id`);--> statement-breakpoint
CREATE TABLE `oauth_account` (
	`id` CHAR(36) PRIMARY KEY NOT NULL,
	`oauth_name` VARCHAR(100) NOT NULL,
	`access_token` text NOT NULL,
	`expires_at` integer,
	`refresh_token` text,
	`account_id` VARCHAR(320) NOT NULL,
	`account_email` VARCHAR(320) NOT NULL,
	`user_id` CHAR(36) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_oauth_account_oauth_name` ON `oauth_account` (`oauth_name`);--> statement-breakpoint
CREATE INDEX `ix_oauth_account_account_id` ON `oauth_account` (`account_id`);--> statement-breakpoint
CREATE INDEX `ix_oauth_account_user_id` ON `oauth_account` (`user_id`);--> statement-breakpoint
CREATE TABLE `user` (
	`email` VARCHAR(320) NOT NULL,
	`hashed_password` VARCHAR(1024) NOT NULL,
	`is_active` BOOLEAN NOT NULL,
	`is_superuser` BOOLEAN NOT NULL,
	`is_verified` BOOLEAN NOT NULL,
	`id` CHAR(36) PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ix_user_email` ON `user` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `ux_user_email_ci` ON `user` (lower("email"));