import { z } from 'zod';
import { defineRecord, type RecordOf } from './define-record.js';
import { recordField as f } from './record-fields.js';

/**
 * The hash `projectKeys.project(id)`: a project's metadata, written by @evh/projects'
 * scripts (create-project.lua, rename-project.lua, rotate-keys.lua) and read by its store.
 */
export const projectRecord = defineRecord({
  name: 'project',
  identity: 'projectId',
  headerKey: /^project:\{[^}]*\}:meta$/,
  schema: z.object({
    projectId: f.text(),
    /** 1, 2, 3 … in the order projects were created. */
    number: f.int(),
    name: f.text().default(''),
    createdAt: f.int(),
    /** The last rename or key rotation. */
    updatedAt: f.int(),
  }),
});

export type ProjectRecord = RecordOf<typeof projectRecord>;
