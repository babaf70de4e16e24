import { type EventContract, eventContracts, validateDetail } from '@txnflow/contracts';
import { describe, expect, it } from 'vitest';

const examplesOf = (contract: EventContract): unknown[] =>
  (contract.schema.examples as unknown[] | undefined) ?? [];

describe('Contract examples', () => {
  it.each(eventContracts.map((c) => [`${c.detailType} v${c.version}`, c] as const))(
    '%s carries several realistic examples',
    (_name, contract) => {
      expect(examplesOf(contract).length).toBeGreaterThanOrEqual(3);
    },
  );

  const cases = eventContracts.flatMap((contract) =>
    examplesOf(contract).map(
      (example, index) =>
        [`${contract.detailType} v${contract.version} #${index + 1}`, contract, example] as const,
    ),
  );

  it.each(cases)('example %s validates against its own schema', (_name, contract, example) => {
    const result = validateDetail(contract.detailType, example);

    expect(result).toEqual({ ok: true, value: example });
  });
});
