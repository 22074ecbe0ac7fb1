CREATE TABLE "fastify_users_user_role" (
	"user_id" uuid NOT NULL,
	"role" varchar(255) NOT NULL,
	"email_key" varchar(320) COLLATE "C" NOT NULL,
	"created_at" timestamp (3) with time zone,
	CONSTRAINT "fastify_users_user_role_pkey" PRIMARY KEY("user_id","role")
);
--> statement-breakpoint
ALTER TABLE "fastify_users_user_role" ADD CONSTRAINT "fastify_users_user_role_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ux_fastify_users_user_role_email" ON "fastify_users_user_role" USING btree ("role","email_key");--> statement-breakpoint
CREATE INDEX "ix_fastify_users_user_role_created_at" ON "fastify_users_user_role" USING btree ("role","created_at" NULLS FIRST,"user_id");--> statement-breakpoint
-- Written by hand after drizzle-kit's statements: the roles users already hold, from the JSON arrays of user.roles (strings only, each once; fastify-users writes valid JSON there), with the user's sort keys.
INSERT INTO "fastify_users_user_role" ("user_id", "role", "email_key", "created_at")
SELECT DISTINCT "user"."id", "r"."value" #>> '{}', lower("user"."email" COLLATE "C"), "user"."created_at"
FROM "user" CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof("user"."roles"::json) = 'array' THEN "user"."roles"::json ELSE '[]'::json END) AS "r"("value")
WHERE "user"."roles" IS NOT NULL AND json_typeof("r"."value") = 'string';
