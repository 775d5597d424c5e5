// SPDX-License-Identifier: GPL-2.0
/*
 * cohort(8): the tables of "list", "peers" and "net list": columns two
 * spaces apart, each as wide as its widest cell.  A table is measured
 * first (table_widen() on the header and every row), then printed
 * (table_row()).
 */
#include <stdio.h>
#include <string.h>

#include "cohort.h"

/**
 * table_widen() - widen the columns to fit a row
 * @w: the width of each column, widened where a cell is wider
 * @col: the row's cells
 * @n: columns
 */
void table_widen(int *w, const char *const *col, int n)
{
	int k;

	for (k = 0; k < n; k++)
		if ((int)strlen(col[k]) > w[k])
			w[k] = (int)strlen(col[k]);
}

/**
 * table_row() - print a row, each cell padded to its column's width
 * @w: the width of each column
 * @col: the row's cells
 * @n: columns
 * @align: a letter per column: 'l' left-aligned, 'r' right-aligned
 *
 * The last column, when left-aligned, is not padded: no line ends in
 * blanks.
 */
void table_row(const int *w, const char *const *col, int n,
	       const char *align)
{
	int k;

	for (k = 0; k < n; k++) {
		const char *sep = k ? "  " : "";

		if (align[k] == 'r')
			printf("%s%*s", sep, w[k], col[k]);
		else if (k == n - 1)
			printf("%s%s", sep, col[k]);
		else
			printf("%s%-*s", sep, w[k], col[k]);
	}
	putchar('\n');
}
