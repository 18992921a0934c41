/** The shapes of the back office's users and registers (kept apart so that the front end can import their types alone). */
import { z } from 'zod';
import { RIGHTS, ROLES } from '../store/validation.ts';

export const userView = z
  .object({
    code: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    rights: z.array(z.enum(RIGHTS)),
    sellerCode: z.string().nullable(),
    registerNumber: z.number().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'User' });

export const registerView = z
  .object({
    number: z.number(),
    name: z.string(),
    depotCode: z.string(),
    /** The key in force (16 hex), null before the register's key exists. */
    keyId: z.string().nullable(),
  })
  .meta({ id: 'Register' });
