// statistics + activity of upstream ProjectInfoResponse (contract §3.2), from the index.
import type { ProjectInfoStatistics } from '../engine-types.ts';
import type { IndexStore } from '../index/store.ts';
import { latestEntities, monthlyGrowth, projectCounts } from '../repositories/project-repository.ts';

export function projectStatistics(store: IndexStore, projectId: number): Omit<ProjectInfoStatistics, 'index'> {
  const db = store.db;
  const statistics = projectCounts(db, projectId);
  const since = new Date();
  since.setUTCDate(1);
  since.setUTCMonth(since.getUTCMonth() - 5);
  const sinceIso = since.toISOString().slice(0, 7);
  const monthly_growth: Record<string, { entities: number; observations: number; relations: number }> = {};
  for (let i = 0; i < 6; i++) {
    const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth() + i, 1));
    monthly_growth[d.toISOString().slice(0, 7)] = { entities: 0, observations: 0, relations: 0 };
  }
  for (const g of monthlyGrowth(db, projectId, sinceIso)) if (monthly_growth[g.m]) monthly_growth[g.m] = { entities: g.n, observations: g.obs, relations: g.rels };
  return {
    statistics,
    activity: { recently_created: latestEntities(db, projectId, 'created_at'), recently_updated: latestEntities(db, projectId, 'updated_at'), monthly_growth },
  };
}
