/** The shape of `GET /api/register` (kept apart so that the front end can import its type alone). */
import { z } from 'zod';

export const paymentModeView = z.object({
  code: z.string(),
  label: z.string(),
  excess: z.string(),
  roundingStep: z.number(),
  opensDrawer: z.boolean(),
});

export const registerInfoView = z
  .object({
    number: z.number(),
    name: z.string(),
    storeName: z.string(),
    currency: z.string(),
    defaultCustomer: z.string(),
    defaultSeller: z.string().nullable(),
    sellerMandatory: z.boolean(),
    discountLimitPercent: z.number().nullable(),
    discountLimitAmount: z.number().nullable(),
    paymentModes: z.array(paymentModeView),
    /**
     * The register's receipt settings the register screen follows: `askBeforePrinting` false, no
     * receipt question (the paper ticket at once); `offerEmail` false, no e-mail in the question.
     */
    receipt: z.object({ askBeforePrinting: z.boolean(), offerEmail: z.boolean() }),
  })
  .meta({ id: 'RegisterInfo' });
