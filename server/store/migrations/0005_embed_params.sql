-- The filters and risk settings an embed shows (its signed params, as the
-- dashboard's URL writes them), kept with the record so that the admin
-- page can list them; '' for embeds issued before they were kept.
ALTER TABLE embeds ADD COLUMN params text NOT NULL DEFAULT '';
