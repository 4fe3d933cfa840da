-- Who may file through Open311 (api keys) and who may work the staff desk (accounts, sessions).
-- Secrets are never stored: api keys and session tokens as SHA-256 (they are long random strings),
-- passwords as argon2id.

CREATE TABLE api_keys (
    key_id      text        PRIMARY KEY,          -- the public part, shown in lists and logs
    secret_hash bytea       NOT NULL,
    issued_to   text        NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE staff_accounts (
    username      text        PRIMARY KEY,
    password_hash text        NOT NULL,
    display_name  text        NOT NULL,
    role          text        NOT NULL
        CHECK (role IN ('agent', 'department_staff', 'supervisor', 'admin')),
    department    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz,
    -- department staff work one department's requests; the scope is not optional for them
    CHECK (role <> 'department_staff' OR department IS NOT NULL)
);

CREATE TABLE staff_sessions (
    token_hash bytea       PRIMARY KEY,
    username   text        NOT NULL REFERENCES staff_accounts (username),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
