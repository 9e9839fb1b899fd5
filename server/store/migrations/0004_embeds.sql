-- Signed embeds, shared by every replica as the file store's embeds.json
-- is by the processes of one folder: what lists and withdraws an issued
-- embed (its other claims travel in the signed token itself). seq keeps
-- the order they were issued or copied in.
CREATE TABLE embeds (
    id         text        PRIMARY KEY,
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    name       text        NOT NULL,
    tier       text        NOT NULL,
    layers     text[]      NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE INDEX embeds_seq_idx ON embeds (seq);

-- The key that signs embed tokens when --embed-key is not given: kept by
-- the first replica that needs one, read by every other.
CREATE TABLE embed_key (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    key        bytea       NOT NULL CHECK (length(key) >= 16),
    created_at timestamptz NOT NULL DEFAULT now()
);
