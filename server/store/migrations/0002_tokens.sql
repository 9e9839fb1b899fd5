-- API tokens, shared by every replica: only a SHA-256 hash of each token
-- is kept, as in the file store's tokens.json.
CREATE TABLE api_tokens (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL,
    hash       text        NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);
