/**
 * Regression and ranking metrics on plain arrays (Kendall tau-b, R², RMSE): no engine, no files, no
 * other Orbit package.
 */
package dev.orbit.training.metrics;
