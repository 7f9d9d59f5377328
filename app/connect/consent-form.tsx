'use client';
// The consent form's interactive part: the tool-group checkboxes and Allow, which needs at least one group.
// Without JavaScript the form still posts; the server then refuses an empty choice the same way.
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';

export interface ConsentGroup { scope: string; label: string; detail: string }

export function ConsentChoices({ groups }: { groups: ConsentGroup[] }) {
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(groups.map((g) => g.scope)));
  const toggle = (scope: string, on: boolean) => setChosen((prev) => {
    const next = new Set(prev);
    if (on) next.add(scope); else next.delete(scope);
    return next;
  });
  return (
    <>
      <fieldset className="mt-5" data-testid="consent-groups">
        <legend className="text-sm text-slate-600">It will be able to</legend>
        <div className="mt-2 grid gap-2">
          {groups.map((g) => (
            <label key={g.scope} className="flex items-start gap-3 rounded-lg border border-slate-200 p-3 text-sm">
              <input type="checkbox" name="group" value={g.scope} checked={chosen.has(g.scope)} onChange={(e) => toggle(g.scope, e.target.checked)}
                data-testid={`consent-group-${g.scope.replace('memory:', '')}`} className="mt-0.5 h-4 w-4" />
              <span><span className="font-medium text-slate-900">{g.label}</span><span className="block text-slate-600">{g.detail}</span></span>
            </label>
          ))}
        </div>
        {chosen.size === 0 && <p role="status" className="mt-2 text-sm text-amber-800" data-testid="consent-none">Choose at least one, or deny.</p>}
      </fieldset>
      <div className="mt-6 flex gap-3">
        <Button type="submit" size="lg" name="decision" value="deny" data-testid="consent-deny" className="flex-1">Deny</Button>
        <Button type="submit" size="lg" variant="primary" name="decision" value="approve" data-testid="consent-approve" disabled={chosen.size === 0} className="flex-1">Allow</Button>
      </div>
    </>
  );
}
