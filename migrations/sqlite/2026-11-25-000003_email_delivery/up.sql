-- What delivery needs: the rendered message, its stable Message-ID, and the lease that lets
-- exactly one worker (of possibly several processes) send it.
ALTER TABLE emails ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN lease_owner TEXT;
ALTER TABLE emails ADD COLUMN lease_until TIMESTAMP;
