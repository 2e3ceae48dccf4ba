-- 031 auth hardening: a staff member's display name is personal data, sealed at rest
-- like a resident's name (display_name_enc: base64 secretbox). The clear display_name
-- column only holds names written before; `gzf serve` seals those when it starts
-- (pii_seal_staff_names: the key is in the secrets file, not in the database) and
-- empties it.
ALTER TABLE users ADD COLUMN display_name_enc TEXT;
