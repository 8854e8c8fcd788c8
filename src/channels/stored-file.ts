// How channels read a stored file (the generated DOCX) to send it, without knowing the database.
export type ReadStoredFile = (fileId: string) => Promise<{ name: string; mime: string; data: Buffer } | undefined>;
