-- Attachments of documents. The content lives in the blob store under
-- blob_key; copies of a document sent within the deployment share the blob.
CREATE TABLE attachments (
    id            TEXT    PRIMARY KEY,
    document_id   TEXT    NOT NULL REFERENCES documents (id),
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    blob_key      TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    shared_from   TEXT,
    uploaded_by   TEXT    NOT NULL,
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX attachments_document ON attachments (document_id, uploaded_at);
