import { NotFoundMessage } from '@/components/not-found-message.tsx';

export default function NotFound() {
  return <NotFoundMessage standalone />;
}
