/**
 * The software's identity and integrity (checklist items 51 and 53):
 * - `comptoir info [--json] [--public-key PEM]`: name, version, fiscal version, licence, category,
 *   certification status, the fingerprint of the installed files and their state against the release
 *   manifest;
 * - `comptoir software manifest [--out FILE] [--sign-key PEM]`: writes the release manifest (run by
 *   `npm pack` through `prepack`), signed with the publisher's private key when one is given;
 * - `comptoir software check [--manifest FILE] [--public-key PEM] [--json]`: exit 0 when the files on
 *   disk are the released ones (and the signature, if a key is given, is valid), 1 otherwise.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { CommandFailure, runCommand } from '../run-command.ts';

const identityModule = () => import('../../store/software-files.ts');
const manifestModule = () => import('../../fiscal/software-identity.ts');

function readPem(file: string, what: string): string {
  const path = resolve(file);
  if (!existsSync(path)) throw new CommandFailure('NOT_FOUND', `${what} introuvable : ${path}`);
  return readFileSync(path, 'utf8');
}

/** The publisher's public key, checked readable here so that a bad file is a clear refusal. */
function readPublicKey(file: string): string {
  const pem = readPem(file, 'Clé publique');
  try {
    createPublicKey(pem);
  } catch {
    throw new CommandFailure('BAD_KEY', `Clé publique illisible : ${file}`);
  }
  return pem;
}

/** Identifies the installation the options name, prints it (French lines or JSON) and returns it. */
async function printIdentity(options: {
  readonly root?: string;
  readonly manifest?: string;
  readonly publicKey?: string;
  readonly json?: boolean;
}) {
  const { identifySoftware, identityLines } = await identityModule();
  const identity = identifySoftware({
    ...(options.root === undefined ? {} : { root: resolve(options.root) }),
    ...(options.manifest === undefined ? {} : { manifestFile: resolve(options.manifest) }),
    ...(options.publicKey === undefined ? {} : { publicKeyPem: readPublicKey(options.publicKey) }),
  });
  process.stdout.write(
    options.json === true ? `${JSON.stringify(identity)}\n` : `${identityLines(identity).join('\n')}\n`,
  );
  return identity;
}

const ROOT_OPTION = ['--root <dir>', 'dossier de l’installation à contrôler (défaut : celle-ci)'] as const;

export function registerSoftwareCommands(program: Command): void {
  program
    .command('info')
    .description(
      'identité du logiciel : version, licence, certification, empreinte et intégrité des fichiers',
    )
    .option('--json', 'en JSON')
    .option('--public-key <pem>', 'clé publique de l’éditeur, pour contrôler la signature du manifeste')
    .option(...ROOT_OPTION)
    .action((options) =>
      runCommand(async () => {
        await printIdentity(options);
      }),
    );

  const software = program
    .command('software')
    .description('manifeste de version et contrôle d’intégrité du logiciel');

  software
    .command('manifest')
    .description(
      'écrit le manifeste de la version (empreintes SHA-256 des fichiers livrés), signé si une clé est donnée',
    )
    .option('--out <file>', 'fichier du manifeste (défaut : software-manifest.json à la racine)')
    .option('--sign-key <pem>', 'clé privée de l’éditeur (PEM) : écrit aussi la signature (.sig)')
    .option(...ROOT_OPTION)
    .action((options) =>
      runCommand(async () => {
        const { hashSoftwareFiles, MANIFEST_FILE, SOFTWARE_ROOT } = await identityModule();
        const { buildManifest, manifestText, signManifest } = await manifestModule();
        const root = options.root === undefined ? SOFTWARE_ROOT : resolve(options.root);
        const key =
          options.signKey === undefined
            ? undefined
            : (() => {
                try {
                  return createPrivateKey(readPem(options.signKey, 'Clé privée'));
                } catch (error) {
                  if (error instanceof CommandFailure) throw error;
                  throw new CommandFailure('BAD_KEY', `Clé privée illisible : ${options.signKey}`);
                }
              })();
        const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
        const out = resolve(options.out ?? resolve(root, MANIFEST_FILE));
        // The manifest and its signature describe the files; neither is one of them.
        const files = hashSoftwareFiles(root).filter((f) => resolve(root, f.path) !== out);
        const text = manifestText(buildManifest('Comptoir', pkg.version, files));
        const signaturePath = `${out.replace(/\.json$/, '')}.sig`;
        const signature = key === undefined ? undefined : signManifest(text, key);
        // Written beside, then renamed: a failed run leaves the previous manifest whole.
        try {
          writeFileSync(`${out}.tmp`, text);
          if (signature !== undefined) writeFileSync(`${signaturePath}.tmp`, `${signature}\n`);
        } catch (error) {
          rmSync(`${out}.tmp`, { force: true });
          throw new CommandFailure(
            'WRITE_FAILED',
            `Écriture impossible de ${out} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
            1,
          );
        }
        renameSync(`${out}.tmp`, out);
        if (signature !== undefined) renameSync(`${signaturePath}.tmp`, signaturePath);
        process.stdout.write(
          `Manifeste de Comptoir ${pkg.version} : ${files.length} fichiers, écrit dans ${out}${
            signature === undefined ? ' (non signé)' : `, signé (${signaturePath})`
          }\n`,
        );
      }),
    );

  software
    .command('check')
    .description('contrôle que les fichiers installés sont ceux de la version publiée (code 1 sinon)')
    .option('--manifest <file>', 'manifeste de référence (défaut : software-manifest.json à la racine)')
    .option('--public-key <pem>', 'clé publique de l’éditeur, pour contrôler la signature du manifeste')
    .option('--json', 'en JSON')
    .option(...ROOT_OPTION)
    .action((options) =>
      runCommand(async () => {
        if (options.manifest !== undefined && !existsSync(resolve(options.manifest))) {
          throw new CommandFailure('NOT_FOUND', `Manifeste introuvable : ${resolve(options.manifest)}`);
        }
        const { identityTrusted } = await identityModule();
        if (!identityTrusted(await printIdentity(options))) process.exitCode = 1;
      }),
    );
}
