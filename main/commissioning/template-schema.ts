// The commissioning template's schema, pure (zod only) so the api contract and the renderer can share it.
// Loading a template file from disk lives in template.ts.
import { z } from 'zod';

/** A PEM certificate (a template's CA, a backup file's). */
export const pem = z
  .string()
  .trim()
  .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, 'issue.pem');

export const templateSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    csms: z
      .object({
        /** The company CSMS endpoint without the identity: the box appends its own. */
        url: z
          .string()
          .trim()
          .regex(/^wss?:\/\/[^\s/]+(\/\S*)?$/, 'issue.wsUrl')
          .refine((u) => !/^wss?:\/\/[^/]*@/.test(u), 'issue.noUserInUrl'),
        securityProfile: z.number().int().min(0).max(3),
        caCertificate: pem.optional(),
      })
      .strict()
      .refine((c) => c.securityProfile < 2 || c.url.startsWith('wss://'), {
        message: 'issue.wssForProfile',
        path: ['url'],
      }),
    heartbeatIntervalS: z.number().int().min(10).max(86_400).optional(),
    meterValues: z
      .object({
        sampleIntervalS: z.number().int().min(0).max(3600).optional(),
        measurands: z.array(z.string().min(1).max(60)).max(20).optional(),
      })
      .strict()
      .optional(),
    localAuthorization: z
      .object({ listEnabled: z.boolean().optional(), offline: z.boolean().optional() })
      .strict()
      .optional(),
    maxCurrentA: z.number().min(6).max(80).optional(),
    /** Names of the closed user groups whose cards the box gets in its local list. */
    groups: z.array(z.string().trim().min(1).max(80)).max(100).default([]),
    /** 1.6: a profile id from resources/profiles/ocpp16-url-keys.json, or a key of the user's own. */
    urlProfile: z.string().trim().min(1).max(40).optional(),
    urlKey: z.string().trim().min(1).max(60).optional(),
    /** Further settings, by 1.6 key or 2.0.1 Component.Variable name. */
    settings: z.record(z.string().min(1).max(200), z.string().max(1000)).default({}),
    /** Seconds the run watches the box after its reset; absent: the box model's typical reboot time
     *  (resources/profiles/reboot-times.json), at least 180 s. */
    verifyWindowS: z.number().int().min(1).max(3600).optional(),
  })
  .strict();

export type Template = z.output<typeof templateSchema>;
export type TemplateInput = z.input<typeof templateSchema>;
