-- Delivering the outbox (the national-portal sync first): each message counts its
-- attempts and waits until its retry time after a failure; a key's messages go out in
-- order, so the worker looks up each key's oldest undelivered message.
ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN retry_at TIMESTAMPTZ;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE INDEX outbox_key_pending ON outbox (key, id) WHERE delivered_at IS NULL;
