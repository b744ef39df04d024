// The Sites page: every site with its boxes (`#/sites`), and one site as a place to come back to
// (`#/sites/<name>`): its boxes and their states, templates, groups, and the push of its cards.
import { useRoute } from '../routing/route.ts';
import { SiteDetail } from './sites/SiteDetail.tsx';
import { SitesList } from './sites/SitesList.tsx';

export function SitesPage() {
  const route = useRoute();
  const name = route.page === 'sites' ? route.rest[0] : undefined;
  return (
    <div className="page sites-page">
      {name === undefined ? <SitesList /> : <SiteDetail key={name} name={name} />}
    </div>
  );
}
