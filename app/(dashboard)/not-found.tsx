// A page of the signed-in shell refused (someone else's tenant, an unknown project): the 404 inside the shell.
import { NotFoundMessage } from '@/components/not-found-message.tsx';

export default function DashboardNotFound() {
  return <NotFoundMessage standalone={false} />;
}
