CREATE TABLE `fastify_users_user_role` (
	`user_id` CHAR(36) NOT NULL,
	`role` VARCHAR(255) NOT NULL,
	`email_key` VARCHAR(320) NOT NULL,
	`created_at` TIMESTAMP,
	PRIMARY KEY(`user_id`, `role`),
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ux_fastify_users_user_role_email` ON `fastify_users_user_role` (`role`,`email_key`);--> statement-breakpoint
CREATE INDEX `ix_fastify_users_user_role_created_at` ON `fastify_users_user_role` (`role`,`created_at`,`user_id`);--> statement-breakpoint
-- Written by hand after drizzle-kit's statements: the roles users already hold, from the JSON arrays of user.roles (strings only, each once), with the user's sort keys.
INSERT INTO `fastify_users_user_role` (`user_id`, `role`, `email_key`, `created_at`)
SELECT DISTINCT `user`.`id`, `r`.`value`, lower(`user`.`email`), `user`.`created_at`
FROM `user`, json_each(CASE WHEN json_valid(`user`.`roles`) AND json_type(`user`.`roles`) = 'array' THEN `user`.`roles` ELSE '[]' END) AS `r`
WHERE `user`.`roles` IS NOT NULL AND `r`.`type` = 'text';
