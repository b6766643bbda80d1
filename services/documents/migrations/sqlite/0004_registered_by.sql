-- Who registered an incoming document (the clerk who gave it its incoming
-- number), so that answers can name them. Documents registered before this
-- column existed take the actor of their "register" history step.
ALTER TABLE documents ADD COLUMN registered_by TEXT;
UPDATE documents SET registered_by = (
    SELECT e.actor_id FROM document_events e
    WHERE e.document_id = documents.id AND e.kind = 'register'
    ORDER BY e.at LIMIT 1
);
