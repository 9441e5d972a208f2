ALTER TABLE emails DROP COLUMN lease_until;
ALTER TABLE emails DROP COLUMN lease_owner;
ALTER TABLE emails DROP COLUMN message_id;
ALTER TABLE emails DROP COLUMN body_html;
ALTER TABLE emails DROP COLUMN body_text;
