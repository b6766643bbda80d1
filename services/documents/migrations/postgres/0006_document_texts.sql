-- What an outgoing document says, rendered into its PDF when it is numbered
-- (docs/domain.md §2.7), kept apart from the documents table so that lists
-- never read it; and the body or post its signer signs for ("Ban Thường vụ"
-- in "T/M Ban Thường vụ"); and which attachment is the document as issued:
-- the PDF rendered and signed when it was numbered.
CREATE TABLE document_texts (
    document_id TEXT    PRIMARY KEY REFERENCES documents (id),
    body        TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);
ALTER TABLE documents ADD COLUMN on_behalf_of TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN issued BOOLEAN NOT NULL DEFAULT FALSE;
