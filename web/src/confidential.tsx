/**
 * Confidential operations of the back office (a manager's code given in place when a right lacks) and
 * the French text of an error.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type Authorization } from './api.ts';
import { ManagerDialog } from './dialogs.tsx';

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Confidential operations of the back office: sent as the user; when the server answers that a right
 * is needed, a manager gives code and PIN in place and the same call goes again with them. Resolves
 * with the answer, or null when the manager's dialog is abandoned.
 */
export function useConfidential(): {
  confidential: <T>(send: (authorization?: Authorization) => Promise<T>) => Promise<T | null>;
  dialog: ComponentChildren;
} {
  const [ask, setAsk] = useState<{
    reason: string;
    error: string | null;
    submit: (authorization: Authorization) => void;
    cancel: () => void;
  } | null>(null);
  const confidential = <T,>(send: (authorization?: Authorization) => Promise<T>) =>
    send().catch(
      (error: unknown) =>
        new Promise<T | null>((resolve, reject) => {
          if (!(error instanceof ApiError && error.needsManager)) {
            reject(error);
            return;
          }
          setAsk({
            reason: error.message,
            error: null,
            submit: (authorization) =>
              send(authorization).then(
                (answer) => {
                  setAsk(null);
                  resolve(answer);
                },
                (again: unknown) => {
                  if (again instanceof ApiError && again.managerRefused) {
                    setAsk((a) => (a === null ? a : { ...a, error: errorText(again) }));
                    return;
                  }
                  setAsk(null);
                  reject(again);
                },
              ),
            cancel: () => {
              setAsk(null);
              resolve(null);
            },
          });
        }),
    );
  const dialog =
    ask === null ? null : (
      <ManagerDialog reason={ask.reason} error={ask.error} onSubmit={ask.submit} onCancel={ask.cancel} />
    );
  return { confidential, dialog };
}
