/** Where uploads go in the bucket (the upload rule takes every key but the reports'). */
const UPLOADS_PREFIX = 'incoming/';

export { UPLOADS_PREFIX };
