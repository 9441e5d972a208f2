-- Whether the person agreed that a shared affinity group may be named to their partner.
ALTER TABLE profiles ADD COLUMN share_affinity_with_partner BOOLEAN NOT NULL DEFAULT 0;
