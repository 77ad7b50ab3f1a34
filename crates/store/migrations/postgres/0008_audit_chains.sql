-- Besides the one chain through every entry, each agency has its own chain: the
-- entries about its dossiers (changes and reads) linked in their own order, so that
-- an agency's log can be verified, exported and anchored on its own. Entries of no
-- agency (logins, imports, settings) form the chain ''. Entries written before this
-- migration are all in chain '' at their global place, where both chains coincide.
ALTER TABLE audit_log ADD COLUMN chain TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN chain_hash TEXT;
UPDATE audit_log SET chain_seq = seq, chain_hash = hash;
CREATE UNIQUE INDEX audit_chain_pos ON audit_log(chain, chain_seq);

CREATE TABLE audit_chain_heads (
    chain TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chain_heads (chain, seq, hash) SELECT '', seq, hash FROM audit_head WHERE id = 1;
