import { Route, Routes } from 'react-router-dom';
import { CampaignDetails } from './CampaignDetails';
import { CampaignList } from './CampaignList';
import { NewCampaign } from './NewCampaign';

/** The Campaigns page: the list, `new` (write and review), and `:id` (the dashboard). */
export function CampaignsPage() {
  return (
    <Routes>
      <Route path="/" element={<CampaignList />} />
      <Route path="/new" element={<NewCampaign />} />
      <Route path="/:id" element={<CampaignDetails />} />
    </Routes>
  );
}
