/**
 * A static check that source code does no IO: it parses TypeScript with the
 * compiler API and reports imports of anything but relative modules, fp-ts
 * and io-ts, and uses of the clock, randomness, timers, the process, the
 * console, the network and other globals a pure planner must not touch.
 */
import ts from 'typescript';

/** One forbidden construct, with its 1-based line. */
export interface PurityViolation {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Globals whose use means IO, hidden state or nondeterminism. */
const FORBIDDEN_GLOBALS = new Set([
  'process',
  'console',
  'globalThis',
  'global',
  'window',
  'self',
  'require',
  'module',
  'fetch',
  'performance',
  'crypto',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'queueMicrotask',
  'XMLHttpRequest',
  'WebSocket',
  'eval',
]);

const isAllowedImport = (specifier: string): boolean =>
  specifier.startsWith('./') ||
  specifier.startsWith('../') ||
  /^fp-ts\/lib\/[A-Za-z]+(\.js)?$/.test(specifier) ||
  specifier === 'io-ts' ||
  /^io-ts\/lib\/[A-Za-z]+(\.js)?$/.test(specifier);

/** Whether `node` is only a name in a declaration or a property, not a reference to a global. */
const isPropertyOrDeclarationName = (node: ts.Identifier): boolean => {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) ||
      ts.isEnumMember(parent) ||
      ts.isBindingElement(parent)) &&
    parent.name === node
  ) {
    return true;
  }
  return ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isTypeReferenceNode(parent);
};

/** Checks one source text and returns every violation found. */
export const checkPurity = (fileName: string, sourceText: string): PurityViolation[] => {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const violations: PurityViolation[] = [];
  const report = (node: ts.Node, message: string): void => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    violations.push({ file: fileName, line: line + 1, message });
  };

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
      if (!isAllowedImport(specifier)) report(node, `imports "${specifier}"; only relative modules, fp-ts/lib/* and io-ts are allowed`);
    }
    if (ts.isImportEqualsDeclaration(node)) report(node, 'uses import = require(...)');
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) report(node, 'uses a dynamic import()');

    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const owner = node.expression.text;
      const member = node.name.text;
      if (owner === 'Date' && member === 'now') report(node, 'reads the clock with Date.now');
      if (owner === 'Math' && member === 'random') report(node, 'uses Math.random');
    }
    if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && ['Date', 'Math'].includes(node.expression.text)) {
      report(node, `accesses ${node.expression.text}[...] dynamically`);
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date' && (node.arguments?.length ?? 0) === 0) {
      report(node, 'reads the clock with new Date()');
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
      report(node, 'reads the clock with Date()');
    }
    if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && !isPropertyOrDeclarationName(node)) {
      report(node, `uses the global ${node.text}`);
    }

    ts.forEachChild(node, visit);
  };

  visit(source);
  return violations;
};
