/** The shape of the registers' shortcut lists (kept apart so that the front end can import its type alone). */
import { z } from 'zod';

export const shortcutView = z.object({
  position: z.number(),
  ref: z.string(),
  label: z.string(),
  color: z.string(),
  picture: z.string().nullable(),
  family: z.string().nullable(),
  familyLabel: z.string().nullable(),
  unitPrice: z.number().nullable(),
});
export const shortcutListView = z.object({ register: z.number(), items: z.array(shortcutView) });
