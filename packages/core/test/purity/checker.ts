/**
 * Finds impure code in TypeScript source with the compiler's parser. It
 * reports imports of anything but relative modules, fp-ts and io-ts, dynamic
 * `import()` and `require`, the clock and randomness. It also reports the
 * globals through which code reaches the process, the console, timers, the
 * network or the file system.
 */
import ts from 'typescript';

/** One impure construct in a source file. */
export interface Impurity {
  readonly fileName: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** What was found, for example `use of process`. */
  readonly found: string;
}

/** Globals that give access to the environment, the console, timers, the network or Node. */
export const FORBIDDEN_GLOBALS: readonly string[] = [
  'process',
  'console',
  'globalThis',
  'window',
  'fetch',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'performance',
  'crypto',
  'XMLHttpRequest',
  'WebSocket',
  'Buffer',
  '__dirname',
  'require',
];

/** Whether a module specifier is one pure code may import: relative, `fp-ts/lib/*`, `io-ts` or `io-ts/lib/*`. */
export const isAllowedModule = (specifier: string): boolean =>
  specifier.startsWith('./') ||
  specifier.startsWith('../') ||
  /^fp-ts\/lib\/[A-Za-z]+(\.js)?$/.test(specifier) ||
  specifier === 'io-ts' ||
  /^io-ts\/lib\/[A-Za-z]+(\.js)?$/.test(specifier);

/** Formats an impurity as `file:line:column: found`. */
export const formatImpurity = (impurity: Impurity): string =>
  `${impurity.fileName}:${impurity.line}:${impurity.column}: ${impurity.found}`;

/** Parses `sourceText` and returns every impure construct in it, in source order. */
export const findImpurities = (fileName: string, sourceText: string): Impurity[] => {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: Impurity[] = [];
  const forbidden = new Set(FORBIDDEN_GLOBALS);

  const report = (node: ts.Node, description: string): void => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ fileName, line: line + 1, column: character + 1, found: description });
  };

  const checkSpecifier = (node: ts.Node, specifier: ts.Expression | undefined, kind: string): void => {
    if (specifier === undefined) return;
    if (!ts.isStringLiteralLike(specifier)) report(node, `${kind} of a computed module`);
    else if (!isAllowedModule(specifier.text)) report(node, `${kind} of "${specifier.text}"`);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) checkSpecifier(node, node.moduleSpecifier, 'import');
    else if (ts.isExportDeclaration(node)) checkSpecifier(node, node.moduleSpecifier, 'export');
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      report(node, 'import = require()');
    } else if (ts.isImportTypeNode(node)) report(node, 'import() type');
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) report(node, 'dynamic import()');
    else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) report(node, 'import.meta');
    else checkExpression(node, report, forbidden);

    ts.forEachChild(node, visit);
  };

  visit(source);
  return found;
};

/** Reports the clock, randomness and forbidden globals in one node. */
const checkExpression = (node: ts.Node, report: (node: ts.Node, description: string) => void, forbidden: ReadonlySet<string>): void => {
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    const member = memberName(node);
    if (isIdentifierNamed(node.expression, 'Date') && member === 'now') report(node, 'Date.now');
    if (isIdentifierNamed(node.expression, 'Math') && member === 'random') report(node, 'Math.random');
    return;
  }

  if (ts.isNewExpression(node) && isIdentifierNamed(node.expression, 'Date') && (node.arguments?.length ?? 0) === 0) {
    report(node, 'new Date() without arguments');
    return;
  }

  if (ts.isCallExpression(node) && isIdentifierNamed(node.expression, 'Date')) {
    report(node, 'Date() called as a function');
    return;
  }

  if (ts.isIdentifier(node) && forbidden.has(node.text) && isValueReference(node) && !isInType(node)) report(node, `use of ${node.text}`);
};

/**
 * Tells whether a node sits in a type, which never runs: an annotation, a
 * type argument, `typeof x` in a type, an `implements` clause or an
 * interface's `extends`. A class's `extends` clause is a value.
 */
const isInType = (node: ts.Node): boolean => {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (ts.isHeritageClause(current)) return current.token === ts.SyntaxKind.ImplementsKeyword || ts.isInterfaceDeclaration(current.parent);
    if (ts.isTypeNode(current) && !ts.isExpressionWithTypeArguments(current)) return true;
  }
  return false;
};

const isIdentifierNamed = (node: ts.Node, name: string): boolean => ts.isIdentifier(node) && node.text === name;

/** `now` for `Date.now` and `Date['now']`; undefined for a computed member. */
const memberName = (node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined => {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
};

/**
 * Tells whether an identifier reads a value, as opposed to naming a
 * property, a declaration, a label or an import or export binding.
 * `x.process` and `{ process: 1 }` name properties, but `{ process }` reads
 * the value.
 */
const isValueReference = (node: ts.Identifier): boolean => {
  const parent = node.parent;

  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;

  const isDeclarationName =
    (ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isBindingElement(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isClassExpression(parent) ||
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isEnumDeclaration(parent) ||
      ts.isEnumMember(parent) ||
      ts.isModuleDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) ||
      ts.isTypeParameterDeclaration(parent)) &&
    parent.name === node;
  return !isDeclarationName;
};
