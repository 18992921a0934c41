/** The register's open dialog, drawn over the screen: which one follows the state's `dialog`. */
import { api } from '../api.ts';
import { CredentialsDialog, ManagerDialog, ReceiptDialog } from '../dialogs.tsx';
import { formatMoney } from '../format.ts';
import { DuplicateDialog, ReprintDialog } from '../sale-view.tsx';
import { CompositionDialog } from './composition-dialog.tsx';
import type { Controller } from './controller.ts';
import { CustomerDialog } from './customer-dialog.tsx';
import { emailAllowed, isCounterCustomer } from './header-zones.tsx';
import { SearchDialog } from './search-dialog.tsx';
import { SerialDialog } from './serial-dialog.tsx';
import {
  CancelDialog,
  ColumnsDialog,
  ConfirmDialog,
  HeldDialog,
  HelpDialog,
  MessageDialog,
  OtherDialog,
  VatDialog,
} from './ticket-dialogs.tsx';
import type { TillOperation } from './till-dialogs.tsx';

export function RegisterDialogs({ c, onTill }: { c: Controller; onTill: (op: TillOperation) => void }) {
  const { dialog, ticket } = c.state;
  const { info } = c.props;
  if (ticket === null) return null;
  /** Closes the dialog and gives the viseur its focus back. */
  const back = () => {
    c.closeDialog();
    c.focusViseur();
  };
  switch (dialog.kind) {
    case 'none':
      return null;
    case 'manager':
      return (
        <ManagerDialog reason={dialog.reason} error={dialog.error} onSubmit={dialog.retry} onCancel={back} />
      );
    case 'serial':
      return (
        <SerialDialog reason={dialog.reason} error={dialog.error} onSubmit={dialog.submit} onCancel={back} />
      );
    case 'receipt':
      return (
        <ReceiptDialog
          saleNumber={ticket.sale?.number ?? null}
          total={formatMoney(ticket.totals.ttc)}
          email={c.customer?.email ?? ''}
          canSave={!isCounterCustomer(c)}
          offerEmail={info.receipt.offerEmail}
          offerPlainEmail={isCounterCustomer(c) || emailAllowed(c)}
          error={dialog.error}
          busy={dialog.busy}
          onChoose={c.chooseReceipt}
        />
      );
    case 'search':
      return (
        <SearchDialog
          state={dialog}
          onSearch={(kind, q) => void c.openSearch(kind, q)}
          onPick={c.pick}
          onClose={back}
        />
      );
    case 'held':
      return <HeldDialog tickets={dialog.tickets} onResume={c.resumeHeld} onClose={c.closeDialog} />;
    case 'vat':
      return <VatDialog state={dialog} onClose={c.closeDialog} />;
    case 'switch':
      return (
        <CredentialsDialog
          title="Changer utilisateur"
          error={dialog.error}
          onCancel={c.closeDialog}
          onSubmit={(code, pin) => {
            api.switchUser(code, pin).then(
              (next) => {
                c.props.onSession(next);
                c.closeDialog();
                c.setMessage({ error: false, text: `Utilisateur : ${next.user.name}` });
                c.focusViseur();
              },
              (error: unknown) =>
                c.setDialog({
                  kind: 'switch',
                  error: error instanceof Error ? error.message : String(error),
                }),
            );
          }}
        />
      );
    case 'cancel':
      return (
        <CancelDialog
          canDeleteLine={ticket.pointer !== null}
          onDeleteLine={() => {
            c.closeDialog();
            if (ticket.pointer !== null) void c.act('delete', { lineIds: [ticket.pointer] });
            c.focusViseur();
          }}
          onClear={() => c.ask('clear')}
          onBack={back}
          onClose={c.closeDialog}
        />
      );
    case 'other':
      return (
        <OtherDialog
          onFooter={c.footerDiscount}
          onColumns={() => c.setDialog({ kind: 'columns' })}
          onTill={(op) => {
            c.closeDialog();
            onTill(op);
          }}
          onAbandon={() => c.ask('abandon')}
          onBackOffice={c.props.onBackOffice}
          onLogout={c.props.onLogout}
          onClose={c.closeDialog}
        />
      );
    case 'columns':
      return (
        <ColumnsDialog
          columns={c.columns}
          onChange={(next) => {
            c.setColumns(next);
            localStorage.setItem('comptoir.columns', JSON.stringify([...next]));
          }}
          onClose={c.closeDialog}
        />
      );
    case 'message':
      return <MessageDialog title={dialog.title} text={dialog.text} onClose={c.closeDialog} onOk={back} />;
    case 'customer':
      return (
        <CustomerDialog
          customer={dialog.customer}
          error={dialog.error}
          onCancel={c.closeDialog}
          onSave={(email, consent) => {
            api.saveCustomer(dialog.customer.code, { email, consentEmailReceipts: consent }).then(
              (saved) => {
                c.setCustomer(saved);
                c.closeDialog();
                c.focusViseur();
              },
              (error: unknown) =>
                c.setDialog({
                  kind: 'customer',
                  customer: dialog.customer,
                  error: error instanceof Error ? error.message : String(error),
                }),
            );
          }}
        />
      );
    case 'reprint':
      return (
        <ReprintDialog
          number={dialog.number}
          error={dialog.error}
          busy={dialog.busy}
          onCancel={back}
          onSubmit={(number, reason) => {
            c.setDialog({ kind: 'reprint', number: String(number), error: null, busy: true });
            void c.confidential(
              (authorization) => api.reprint(info.number, number, reason, authorization),
              async (duplicate) => {
                const sale = await api.sale(info.number, number);
                c.setDialog({ kind: 'duplicate', sale, duplicate });
              },
              (error) => c.setDialog({ kind: 'reprint', number: String(number), error, busy: false }),
            );
          }}
        />
      );
    case 'duplicate':
      return <DuplicateDialog sale={dialog.sale} duplicate={dialog.duplicate} onClose={back} />;
    case 'help':
      return <HelpDialog onClose={back} />;
    case 'confirm':
      return (
        <ConfirmDialog
          action={dialog.action}
          ticket={ticket}
          onConfirm={() => c.confirmed(dialog.action)}
          onClose={back}
        />
      );
    case 'composition':
      return (
        <CompositionDialog
          error={dialog.error}
          onCancel={c.closeDialog}
          onSubmit={(body) => {
            c.closeDialog();
            void c.act('compositions', body);
            c.focusViseur();
          }}
        />
      );
  }
}
