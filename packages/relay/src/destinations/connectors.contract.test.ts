/** Every connector in the registry passes the contract, with the fixture in its own folder. */
import { describe, expect, it } from 'vitest';
import { connectorContract, type ContractFixture } from './connector.contract.js';
import { connectors } from './registry.js';

const fixtures = new Map<string, ContractFixture>();
for (const connector of connectors) {
  const module = (await import(`./${connector.type}/contract.fixture.ts`)) as { fixture: ContractFixture };
  fixtures.set(connector.type, module.fixture);
}

describe('the registry', () => {
  it('has a contract fixture for every connector, and one connector per type', () => {
    expect(new Set(connectors.map((c) => c.type)).size).toBe(connectors.length);
    for (const c of connectors) expect(fixtures.has(c.type), c.type).toBe(true);
  });
});

for (const connector of connectors) connectorContract(connector, fixtures.get(connector.type)!);
