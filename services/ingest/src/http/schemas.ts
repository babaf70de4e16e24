import { z } from '@hono/zod-openapi';
import { MoneySchema, pageSchema, recordIdParam } from '@txnflow/contracts/http';

const CustomerSchema = z
  .object({
    customerId: z.string().openapi({ example: 'C2' }),
    address: z.string().openapi({ example: '7 Mill Lane' }),
  })
  .openapi('Customer');

const TransactionSchema = z
  .object({
    customerId: z.string().openapi({ example: 'C2' }),
    transactionId: z.string().openapi({ example: 'T1008' }),
    date: z.string().openapi({ example: '2026-11-03' }),
    amount: MoneySchema,
  })
  .openapi('Transaction');

const UploadSchema = z
  .object({
    bucket: z.string(),
    key: z.string().openapi({ example: 'incoming/transactions.txt' }),
    versionId: z.string(),
    uploadId: z
      .string()
      .openapi({ description: "The upload's id: its run's correlation id, for txnflow trace" }),
    bytes: z.number().int(),
  })
  .openapi('Upload');

const CustomerParams = z.object({ id: recordIdParam('id', 'C2') });

const UploadQuery = z.object({
  name: z.string().openapi({
    param: { name: 'name', in: 'query' },
    description: 'The file name; the object goes to incoming/<name>',
    example: 'transactions.txt',
  }),
});

const CustomerPageSchema = pageSchema(CustomerSchema, 'CustomerPage');
const TransactionPageSchema = pageSchema(TransactionSchema, 'TransactionPage');

export {
  CustomerPageSchema,
  CustomerParams,
  CustomerSchema,
  TransactionPageSchema,
  TransactionSchema,
  UploadQuery,
  UploadSchema,
};
