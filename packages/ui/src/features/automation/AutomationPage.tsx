/** The Automation page (`#/automation`): what runs by itself, schedules and sensors. */
import { SensorsSection } from '../sensors/SensorsSection.tsx';
import { SchedulesSection } from './SchedulesSection.tsx';

export function AutomationPage() {
  return (
    <main className="page">
      <div className="page-head"><h1>Automation</h1><span className="sub">schedules and sensors: what runs without anyone typing `weir run`</span></div>
      <SchedulesSection />
      <SensorsSection />
    </main>
  );
}
