/**
 * Figures drawn into images, as matplotlib draws the Python original's: {@link
 * io.tfjmnist.figures.DigitFigure}'s three-panel figure, a grid of them and the strip of test digits,
 * written atomically as PNG. Nothing here needs a display; whether AWT runs headless is the
 * program's choice (the CLI makes it), not the library's.
 */
package io.tfjmnist.figures;
