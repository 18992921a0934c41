import type { Command } from '@commander-js/extra-typings';
import { registerArchiveCommands } from './archive.ts';
import { registerCentralCommands } from './central.ts';
import { registerCsvCommands } from './csv.ts';
import { registerCustomerCommands } from './customer.ts';
import { registerHeadsCommands } from './heads.ts';
import { registerInitCommand } from './init.ts';
import { registerJournalCommands } from './journal.ts';
import { registerLookupCommand } from './lookup.ts';
import { registerMailCommands } from './mail.ts';
import { registerPrinterCommands } from './printer.ts';
import { registerQuoteCommands } from './quote.ts';
import { registerReceiptCommands } from './receipt.ts';
import { registerReturnCommands } from './returns.ts';
import { registerSellCommand } from './sell.ts';
import { registerServeCommands } from './serve.ts';
import { registerSoftwareCommands } from './software.ts';
import { registerStockCommands } from './stock.ts';
import { registerSyncCommand } from './sync.ts';
import { registerTerminalSimCommand } from './terminal-sim.ts';
import { registerTillCommands } from './till.ts';
import { registerVerifyCommands } from './verify.ts';

/** Each capability registers its sub-commands here, one line each. */
export function registerCommands(program: Command): void {
  registerQuoteCommands(program);
  registerReceiptCommands(program);
  registerServeCommands(program);
  registerInitCommand(program);
  registerCsvCommands(program);
  registerLookupCommand(program);
  registerJournalCommands(program);
  registerVerifyCommands(program);
  registerArchiveCommands(program);
  registerMailCommands(program);
  registerSoftwareCommands(program);
  registerCustomerCommands(program);
  registerSellCommand(program);
  registerTillCommands(program);
  registerHeadsCommands(program);
  registerReturnCommands(program);
  registerPrinterCommands(program);
  registerTerminalSimCommand(program);
  registerStockCommands(program);
  registerCentralCommands(program);
  registerSyncCommand(program);
}
