/**
 * The demo's counter hardware (issue 15, `comptoir serve --demo-hardware`, used by `npm start`): a
 * Caisse-AP terminal simulator on 127.0.0.1:8888 and a fake network printer on 127.0.0.1:9100 run in
 * the server's process, and register 1 is set to use them when it has no terminal or printer yet, so
 * that a newcomer sees a card payment go through and the ticket « print » in the server's log.
 */
import { FakePrinter } from '../receipts/testing/fake-printer.ts';
import { readRegisterSettings } from '../store/setup.ts';
import { TerminalSimulator } from '../terminal/simulator.ts';
import type { Db } from './ports.ts';

export interface DemoHardware {
  stop(): Promise<void>;
}

export async function startDemoHardware(db: Db, print: (line: string) => void): Promise<DemoHardware> {
  const simulator = new TerminalSimulator({ delayMs: 1500 });
  const printer = new FakePrinter();
  printer.onJob = (job) => {
    print(`Ticket imprimé (imprimante de démonstration ${printer.target}) :`);
    for (const line of job.text.split('\n')) if (line.trim() !== '') print(`  │ ${line}`);
    if (job.pulses > 0) print('  [tiroir-caisse ouvert]');
  };
  const started: string[] = [];
  try {
    await simulator.start(8888);
    started.push('terminal');
    print(`Terminal de paiement simulé sur ${simulator.address} (Caisse-AP, paiement accepté en 1,5 s)`);
  } catch (error) {
    print(`Terminal simulé non démarré : port 8888 occupé (${String(error)})`);
  }
  try {
    await printer.start(9100);
    started.push('printer');
    print(`Imprimante de démonstration sur ${printer.target} (les tickets s'affichent ici)`);
  } catch (error) {
    print(`Imprimante de démonstration non démarrée : port 9100 occupé (${String(error)})`);
  }
  const row = await db.selectFrom('registers').select('settings').where('number', '=', 1).executeTakeFirst();
  if (row !== undefined) {
    const settings = readRegisterSettings(row.settings);
    const next = {
      ...settings,
      terminal:
        settings.terminal.address === '' && started.includes('terminal')
          ? { ...settings.terminal, address: simulator.address }
          : settings.terminal,
      printer:
        settings.printer.target === '' && started.includes('printer')
          ? { ...settings.printer, target: printer.target }
          : settings.printer,
    };
    await db
      .updateTable('registers')
      .set({ settings: JSON.stringify(next) })
      .where('number', '=', 1)
      .execute();
  }
  return {
    async stop() {
      await simulator.stop();
      await printer.stop();
    },
  };
}
