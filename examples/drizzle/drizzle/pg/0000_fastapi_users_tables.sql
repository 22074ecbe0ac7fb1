CREATE TABLE "accesstoken" (
	"token" varchar(43) PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"user_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oauth_account" (
	"id" uuid PRIMARY KEY NOT NULL,
	"oauth_name" varchar(100) NOT NULL,
	"access_token" text NOT NULL,
	"expires_at" integer,
	"refresh_token" text,
	"account_id" varchar(320) NOT NULL,
	"account_email" varchar(320) NOT NULL,
	"user_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user" (
	"email" varchar(320) NOT NULL,
	"hashed_password" varchar(1024) NOT NULL,
	"is_active" boolean NOT NULL,
	"is_superuser" boolean NOT NULL,
	"is_verified" boolean NOT NULL,
	"id" uuid PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accesstoken" ADD CONSTRAINT "accesstoken_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_account" ADD CONSTRAINT "oauth_account_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ix_accesstoken_created_at" ON "accesstoken" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ix_accesstoken_user_id" ON "accesstoken" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "ix_oauth_account_oauth_name" ON "oauth_account" USING btree ("oauth_name");--> statement-breakpoint
CREATE INDEX "ix_oauth_account_account_id" ON "oauth_account" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "ix_oauth_account_user_id" ON "oauth_account" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ix_user_email" ON "user" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "ux_user_email_ci" ON "user" USING btree (lower("email" COLLATE "C"));