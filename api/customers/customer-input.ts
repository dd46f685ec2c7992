import { parseIncome } from '../../shared/domain/customers/income.js';
import { usernameKeyProblem } from '../../shared/domain/customers/username-key.js';
import { ValidationError } from '../../shared/domain/errors/index.js';
import type {
  CustomerChanges,
  CustomerCreate,
  CustomerPatch,
} from '../../shared/domain/schemas/customer.schema.js';

function exactIncome(income: string | number): string {
  const parsed = parseIncome(income);
  if (!parsed.ok) throw new ValidationError([parsed.message]);
  return parsed.value;
}

/** A username that has a key the store can hold (shared/domain/customers/username-key.ts), else a 400. */
function holdableUsername(username: string): string {
  const problem = usernameKeyProblem(username);
  if (problem !== undefined) throw new ValidationError([problem]);
  return username;
}

export type NewCustomerFields = ReturnType<typeof newCustomerFields>;

/** A schema-valid create body with its income in canonical DECIMAL(20,2) text and optional fields null when absent. */
export function newCustomerFields(input: CustomerCreate) {
  return {
    username: holdableUsername(input.username),
    address: input.address,
    income: exactIncome(input.income),
    name: input.name ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
  };
}

/** A schema-valid PATCH body as the change the worker applies; an empty patch is refused. */
export function customerChanges(patch: CustomerPatch): CustomerChanges {
  const { income, ...rest } = patch;
  const changes: CustomerChanges = { ...rest };
  if (rest.username !== undefined) holdableUsername(rest.username);
  if (income !== undefined) changes.income = exactIncome(income);
  if (Object.keys(changes).length === 0) {
    throw new ValidationError([
      'nothing to change: send at least one of username, address, income, name, email, phone',
    ]);
  }
  return changes;
}
