/**
 * Aligned text columns for the table output. Columns are separated by two
 * spaces, numbers can be right-aligned, and the last column is not padded so
 * lines carry no trailing spaces.
 */

/** Alignment of one column. */
export type ColumnAlign = 'left' | 'right';

/** Lays out a header and rows as aligned lines, each prefixed with `indent`. */
export const formatColumns = (
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { readonly indent?: string; readonly align?: readonly ColumnAlign[] } = {},
): string[] => {
  const indent = options.indent ?? '';
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));

  return all.map((row) => {
    const cells = header.map((_, column) => {
      const cell = row[column] ?? '';
      const width = widths[column] ?? 0;
      const isLast = column === header.length - 1;

      if (options.align?.[column] === 'right') return cell.padStart(width);
      return isLast ? cell : cell.padEnd(width);
    });
    return (indent + cells.join('  ')).trimEnd();
  });
};
