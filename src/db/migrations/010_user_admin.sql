-- 010: user administration. A password an administrator set (a reset, or a
-- new user's first one) must be changed at the next sign-in: until then
-- every endpoint but /me, /me/password and sign-out answers 403
-- password_change_required. 0 or 1.
ALTER TABLE users ADD COLUMN require_password_change INTEGER NOT NULL DEFAULT 0;
