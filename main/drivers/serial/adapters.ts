// Names a USB-serial or USB-RS485 adapter from its USB ids (and, for RS485 sticks that share a chip with
// plain adapters, its device id), from the data table in resources/serial-adapters.json.
import { z } from 'zod';
import { readDriverResource } from '../resources.ts';

const entrySchema = z
  .object({
    vendorId: z
      .string()
      .regex(/^[0-9a-f]{4}$/)
      .optional(),
    productId: z
      .string()
      .regex(/^[0-9a-f]{4}$/)
      .optional(),
    pnpIdMatch: z.string().optional(),
    pathMatch: z.string().optional(),
    name: z.string().min(1),
    kind: z.enum(['serial', 'rs485']),
  })
  .strict();
const tableSchema = z.object({ _comment: z.string().optional(), adapters: z.array(entrySchema) }).strict();
export type AdapterEntry = z.infer<typeof entrySchema>;

let table: AdapterEntry[] | null = null;

export function adapterTable(): AdapterEntry[] {
  table ??= tableSchema.parse(JSON.parse(readDriverResource('serial-adapters.json'))).adapters;
  return table;
}

export interface AdapterFacts {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  pnpId?: string | undefined;
}

/** The first table entry that matches, or null for an adapter the table does not know. */
export function nameAdapter(
  port: AdapterFacts,
  entries: readonly AdapterEntry[] = adapterTable(),
): Pick<AdapterEntry, 'name' | 'kind'> | null {
  const vendor = port.vendorId?.toLowerCase();
  const product = port.productId?.toLowerCase();
  for (const entry of entries) {
    if (entry.vendorId !== undefined && entry.vendorId !== vendor) continue;
    if (entry.productId !== undefined && entry.productId !== product) continue;
    if (entry.pnpIdMatch !== undefined && !new RegExp(entry.pnpIdMatch, 'i').test(port.pnpId ?? '')) continue;
    if (entry.pathMatch !== undefined && !new RegExp(entry.pathMatch).test(port.path)) continue;
    if (entry.vendorId === undefined && entry.pathMatch === undefined) continue;
    return { name: entry.name, kind: entry.kind };
  }
  return null;
}
