/** Recurring jobs: a schedule's definition and policies, and what the coordinator reports of it. */
package io.impetus.core.schedule;
